-- Delivery side of alerting: digests and rate-limit waits.
--
-- digest_of is the id of the first delivery of the digest message a
-- delivery went out in (NULL: sent alone), so the console can say that
-- an alert reached its receiver merged with others. deferrals counts how
-- often a delivery was held back because its destination was over its
-- rate limit; such waits do not count as attempts.

ALTER TABLE deliveries ADD COLUMN digest_of INTEGER;
ALTER TABLE deliveries ADD COLUMN deferrals INTEGER NOT NULL DEFAULT 0;
