-- Reservations hold stock for a checkout. A reservation is live while it is 'held' (with an expiry) or
-- 'confirmed' (its order was placed: no expiry until it is picked or cancelled).
--   held -> confirmed -> committed (picked: the units left the shelf)
--   held | confirmed -> released (checkout failed, order cancelled);  held -> expired (swept)
--   committed -> returned (an order cancelled after picking: the units go back on hand)
CREATE TABLE reservations (
    id          text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 100),
    merchant_id text        NOT NULL,
    status      text        NOT NULL CHECK (status IN ('held', 'confirmed', 'committed', 'released', 'expired', 'returned')),
    expires_at  timestamptz,
    reason      text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'held') = (expires_at IS NOT NULL))
);

CREATE INDEX reservations_due ON reservations (expires_at) WHERE status = 'held';

CREATE TABLE reservation_lines (
    reservation_id text    NOT NULL REFERENCES reservations (id),
    sku            text    NOT NULL REFERENCES stock (sku),
    quantity       integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (reservation_id, sku)
);

CREATE INDEX reservation_lines_by_sku ON reservation_lines (sku);

-- reserved = the sum of live reservations, by construction: only these triggers change stock.reserved,
-- as lines are added to a held reservation and as a reservation stops being live. The CHECK on stock
-- (reserved <= on_hand) then refuses any reservation that would oversell.
CREATE FUNCTION reservation_line_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT status FROM reservations WHERE id = NEW.reservation_id) <> 'held' THEN
        RAISE EXCEPTION 'lines are added only to a held reservation (%)', NEW.reservation_id;
    END IF;
    UPDATE stock SET reserved = reserved + NEW.quantity, version = version + 1, updated_at = now()
    WHERE sku = NEW.sku;
    RETURN NULL;
END $$;

CREATE TRIGGER reservation_line_added AFTER INSERT ON reservation_lines
    FOR EACH ROW EXECUTE FUNCTION reservation_line_added();

CREATE FUNCTION reservation_line_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'reservation lines never change or disappear (%)', OLD.reservation_id;
END $$;

CREATE TRIGGER reservation_line_frozen BEFORE UPDATE OR DELETE ON reservation_lines
    FOR EACH ROW EXECUTE FUNCTION reservation_line_frozen();

CREATE FUNCTION reservation_status_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status IN ('released', 'expired', 'returned')
       OR (OLD.status = 'committed') <> (NEW.status = 'returned') THEN
        RAISE EXCEPTION 'reservation % is % and cannot become %', OLD.id, OLD.status, NEW.status;
    END IF;
    IF NEW.status = 'held' OR (NEW.status = 'expired' AND OLD.status <> 'held') THEN
        RAISE EXCEPTION 'reservation % cannot go from % to %', OLD.id, OLD.status, NEW.status;
    END IF;
    IF NEW.status IN ('released', 'expired') THEN
        UPDATE stock s SET reserved = s.reserved - l.quantity, version = s.version + 1, updated_at = now()
        FROM reservation_lines l WHERE l.reservation_id = NEW.id AND s.sku = l.sku;
    ELSIF NEW.status = 'committed' THEN
        UPDATE stock s SET reserved = s.reserved - l.quantity, on_hand = s.on_hand - l.quantity,
                           version = s.version + 1, updated_at = now()
        FROM reservation_lines l WHERE l.reservation_id = NEW.id AND s.sku = l.sku;
    ELSIF NEW.status = 'returned' THEN
        UPDATE stock s SET on_hand = s.on_hand + l.quantity, version = s.version + 1, updated_at = now()
        FROM reservation_lines l WHERE l.reservation_id = NEW.id AND s.sku = l.sku;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER reservation_status_changed AFTER UPDATE OF status ON reservations
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION reservation_status_changed();

-- A reservation is never deleted: its lines are the record reserved is reconciled against.
CREATE FUNCTION reservation_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'reservations are kept (%)', OLD.id;
END $$;

CREATE TRIGGER reservation_kept BEFORE DELETE ON reservations FOR EACH ROW EXECUTE FUNCTION reservation_kept();

-- Nothing but the triggers above may move reserved: an UPDATE issued directly by a client runs at
-- trigger depth 1, one issued by a reservation trigger at depth 2.
CREATE FUNCTION stock_reserved_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' AND NEW.reserved <> 0 THEN
        RAISE EXCEPTION 'new stock of % starts with nothing reserved', NEW.sku;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.reserved IS DISTINCT FROM OLD.reserved AND pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'reserved of % changes only with its reservations', NEW.sku;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER stock_reserved_guard BEFORE INSERT OR UPDATE OF reserved ON stock
    FOR EACH ROW EXECUTE FUNCTION stock_reserved_guard();
