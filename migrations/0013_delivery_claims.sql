-- Who holds a delivery being sent: a token each claim draws. Its outcome is written only by that
-- claim's holder (or once released, until someone claims it anew), so a sender whose lease lapsed
-- while the database was away still records what it sent, instead of the row going out twice.
ALTER TABLE deliveries ADD COLUMN claim bigint;
