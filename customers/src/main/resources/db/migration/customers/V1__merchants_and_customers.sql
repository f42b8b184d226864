CREATE TABLE merchants (
    id         text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,39}$'),
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    country    char(2)     NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE customers (
    id         text PRIMARY KEY,
    email      text        NOT NULL UNIQUE,
    name       text        NOT NULL,
    country    char(2)     NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    created_at timestamptz NOT NULL DEFAULT now()
);
