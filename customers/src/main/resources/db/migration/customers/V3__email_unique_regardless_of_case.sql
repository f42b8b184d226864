-- An e-mail address is one address whatever its case: Ada@x.io and ada@x.io belong to one customer.
--
-- Rows that already collide must not stop the migration, and no customer's data is changed or deleted:
-- of each group of addresses equal but for case, the profile created first (then the lowest id) keeps it
-- as its own; every other one is marked with the id of that profile in email_shared_with and stays as it
-- is. The uniqueness rule skips marked rows. The next time such a customer saves the profile the mark is
-- cleared, so the save is refused unless it picks an address nobody else uses. Operators find them with
--   SELECT id, email, email_shared_with FROM customers.customers WHERE email_shared_with IS NOT NULL;
ALTER TABLE customers ADD COLUMN email_shared_with text;

UPDATE customers c
SET email_shared_with = ranked.keeper
FROM (SELECT id,
             first_value(id) OVER (PARTITION BY lower(email) ORDER BY created_at, id) AS keeper
      FROM customers) ranked
WHERE c.id = ranked.id
  AND ranked.keeper <> c.id;

ALTER TABLE customers DROP CONSTRAINT customers_email_key;

CREATE UNIQUE INDEX customers_email_unique ON customers (lower(email)) WHERE email_shared_with IS NULL;
