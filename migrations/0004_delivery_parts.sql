-- Messages of a delivery already sent, when a notice goes out in several (a long text split at the
-- platform's limit, a chart and its text): a retry sends only the rest.
ALTER TABLE deliveries ADD COLUMN parts_sent integer NOT NULL DEFAULT 0;
