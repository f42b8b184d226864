-- The consistency token of the placed order's event, stored with the answer: a replayed 201 carries the
-- same Mercato-Consistency-Token as the first, so the client can read its order back from derived views.
ALTER TABLE checkouts ADD COLUMN response_token text;
