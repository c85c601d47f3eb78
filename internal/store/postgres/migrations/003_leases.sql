-- Feed leases: one replica polls a feed at a time, and a dead replica's
-- feeds are taken over when its leases expire.
ALTER TABLE feeds ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE feeds ADD COLUMN lease_until TIMESTAMPTZ;
