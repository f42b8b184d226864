-- A customer's profile is keyed by the token's subject; every change bumps its version.
ALTER TABLE customers
    ADD COLUMN version    bigint      NOT NULL DEFAULT 1,
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT customers_id_format CHECK (id ~ '^[A-Za-z0-9._@-]{1,100}$'),
    ADD CONSTRAINT customers_email_format CHECK (email ~ '^[^@\s]+@[^@\s]+$' AND length(email) <= 254),
    ADD CONSTRAINT customers_name_length CHECK (length(name) BETWEEN 1 AND 200);

CREATE TABLE addresses (
    customer_id text    NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    position    integer NOT NULL CHECK (position BETWEEN 0 AND 9),
    label       text    NOT NULL DEFAULT '' CHECK (length(label) <= 50),
    name        text    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    line1       text    NOT NULL CHECK (length(line1) BETWEEN 1 AND 200),
    line2       text    NOT NULL DEFAULT '' CHECK (length(line2) <= 200),
    city        text    NOT NULL CHECK (length(city) BETWEEN 1 AND 100),
    postal_code text    NOT NULL CHECK (length(postal_code) BETWEEN 1 AND 20),
    country     char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    PRIMARY KEY (customer_id, position)
);
