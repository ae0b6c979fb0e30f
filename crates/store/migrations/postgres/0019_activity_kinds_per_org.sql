-- An added activity kind belongs to the office that added it: two offices in
-- different branches may each add a kind of the same name (its code), which
-- the service still refuses when the office already sees one.
ALTER TABLE activity_kinds DROP CONSTRAINT activity_kinds_pkey;
ALTER TABLE activity_kinds ADD PRIMARY KEY (name, org_id);
