-- The category tree: a path names a node and all its ancestors ('home/kitchen/knives').
CREATE TABLE categories (
    path   text PRIMARY KEY CHECK (path ~ '^[a-z0-9-]+(/[a-z0-9-]+)*$'),
    parent text REFERENCES categories (path),
    name   text NOT NULL
);

CREATE TABLE products (
    sku          text PRIMARY KEY CHECK (sku ~ '^[A-Z0-9][A-Z0-9-]{1,63}$'),
    merchant_id  text        NOT NULL,
    title        text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description  text        NOT NULL DEFAULT '',
    category     text        NOT NULL REFERENCES categories (path),
    price_amount numeric(14, 4) NOT NULL CHECK (price_amount >= 0),
    currency     char(3)     NOT NULL,
    attributes   jsonb       NOT NULL DEFAULT '{}',
    status       text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
    version      bigint      NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX products_by_merchant ON products (merchant_id, sku);
CREATE INDEX products_by_category ON products (category, sku);
