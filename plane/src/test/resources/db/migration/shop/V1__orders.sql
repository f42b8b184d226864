CREATE TABLE orders (id text PRIMARY KEY, total int NOT NULL);
