-- Search at county scale, and totals that are not counted per request.
--
-- `persons.search_terms` holds `taizhang_core::search_keys::person_terms`
-- (the name's characters, pinyin from each syllable on, the initials,
-- the phone and ID numbers reversed, space-separated); the store writes it
-- with the person and fills it for older rows when it opens (NULL until
-- then). A GIN index over the terms as a tsvector (each term a lexeme as it
-- is, no parser) answers a term or a prefix (`'wang':*`); PostgreSQL keeps
-- it in step on every write and import.
ALTER TABLE persons ADD COLUMN search_terms TEXT;
-- New entries wait in the index's pending list (up to 64 MB, merged in bulk
-- by vacuum or when full): a 100,000-row roster import took half the time
-- it did with the default 4 MB, measured on 200,000 rows already indexed.
CREATE INDEX persons_search ON persons USING gin (array_to_tsvector(string_to_array(search_terms, ' ')))
    WITH (gin_pending_list_limit = 65536);

-- People and households per org, kept by triggers (one statement at a
-- time, over its transition table, so a bulk import costs one update per
-- org), so that a list's total is a sum over the orgs of a subtree.
CREATE TABLE org_tallies (
    org_id      BIGINT PRIMARY KEY,
    persons     BIGINT NOT NULL DEFAULT 0,
    households  BIGINT NOT NULL DEFAULT 0
);
INSERT INTO org_tallies (org_id, persons, households)
    SELECT o.id,
           (SELECT COUNT(*) FROM persons p WHERE p.org_id = o.id),
           (SELECT COUNT(*) FROM households h WHERE h.org_id = o.id)
    FROM orgs o;

CREATE FUNCTION org_tallies_orgs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO org_tallies (org_id) SELECT id FROM new_rows;
    ELSE
        DELETE FROM org_tallies WHERE org_id IN (SELECT id FROM old_rows);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER orgs_tally_insert AFTER INSERT ON orgs REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION org_tallies_orgs();
CREATE TRIGGER orgs_tally_delete AFTER DELETE ON orgs REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION org_tallies_orgs();

-- TG_ARGV[0]: the column of org_tallies the table's rows are counted in.
CREATE FUNCTION org_tallies_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        EXECUTE format('UPDATE org_tallies t SET %1$I = t.%1$I - d.n
                        FROM (SELECT org_id, COUNT(*) AS n FROM old_rows GROUP BY org_id) d
                        WHERE t.org_id = d.org_id', TG_ARGV[0]);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        EXECUTE format('UPDATE org_tallies t SET %1$I = t.%1$I + d.n
                        FROM (SELECT org_id, COUNT(*) AS n FROM new_rows GROUP BY org_id) d
                        WHERE t.org_id = d.org_id', TG_ARGV[0]);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER persons_tally_insert AFTER INSERT ON persons REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION org_tallies_rows('persons');
CREATE TRIGGER persons_tally_delete AFTER DELETE ON persons REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION org_tallies_rows('persons');
CREATE TRIGGER persons_tally_update AFTER UPDATE ON persons REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION org_tallies_rows('persons');
CREATE TRIGGER households_tally_insert AFTER INSERT ON households REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION org_tallies_rows('households');
CREATE TRIGGER households_tally_delete AFTER DELETE ON households REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION org_tallies_rows('households');
CREATE TRIGGER households_tally_update AFTER UPDATE ON households REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION org_tallies_rows('households');

-- The rows whose terms the store has still to fill (after an upgrade).
CREATE INDEX persons_without_terms ON persons(id) WHERE search_terms IS NULL;

-- Households of an org in the order the lists read them (address key,
-- address, id), so that a page of a subtree is read without a sort.
DROP INDEX households_address_key;
CREATE INDEX households_order ON households(org_id, address_key, address, id);

-- People of an org in the list's order (pinyin, id), read without a sort.
DROP INDEX persons_org;
CREATE INDEX persons_org ON persons(org_id, name_pinyin, id);
