CREATE TABLE secrets (id bigint PRIMARY KEY, value text NOT NULL);
INSERT INTO secrets VALUES (1, 'only beta may read this');
