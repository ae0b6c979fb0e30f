-- Search at county scale, and totals that are not counted per request.
--
-- `persons.search_terms` holds `taizhang_core::search_keys::person_terms`
-- (the name's characters, pinyin from each syllable on, the initials,
-- the phone and ID numbers reversed); the store writes it with the person
-- and fills it for older rows when it opens (NULL until then). The FTS5
-- table indexes it (external content: the terms live only in `persons`;
-- no positions, as no query asks for a phrase), kept in step by triggers on
-- every write and import. Terms hold letters, digits, `#` and `!`; the
-- ascii tokenizer splits them at spaces only and keeps other characters.
ALTER TABLE persons ADD COLUMN search_terms TEXT;
CREATE VIRTUAL TABLE person_search USING fts5(
    search_terms, content = 'persons', content_rowid = 'id',
    tokenize = "ascii tokenchars '#!'", detail = none
);
-- How many people each term has: the estimate of a very common search's total.
CREATE VIRTUAL TABLE person_search_terms USING fts5vocab(person_search, 'row');
CREATE TRIGGER persons_search_insert AFTER INSERT ON persons WHEN new.search_terms IS NOT NULL BEGIN
    INSERT INTO person_search (rowid, search_terms) VALUES (new.id, new.search_terms);
END;
CREATE TRIGGER persons_search_delete AFTER DELETE ON persons WHEN old.search_terms IS NOT NULL BEGIN
    INSERT INTO person_search (person_search, rowid, search_terms) VALUES ('delete', old.id, old.search_terms);
END;
CREATE TRIGGER persons_search_update AFTER UPDATE OF search_terms ON persons
WHEN old.search_terms IS NOT new.search_terms BEGIN
    INSERT INTO person_search (person_search, rowid, search_terms)
        SELECT 'delete', old.id, old.search_terms WHERE old.search_terms IS NOT NULL;
    INSERT INTO person_search (rowid, search_terms)
        SELECT new.id, new.search_terms WHERE new.search_terms IS NOT NULL;
END;

-- People and households per org, kept by triggers, so that a list's total
-- is a sum over the orgs of a subtree instead of a count of its rows.
CREATE TABLE org_tallies (
    org_id      INTEGER PRIMARY KEY,
    persons     INTEGER NOT NULL DEFAULT 0,
    households  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO org_tallies (org_id, persons, households)
    SELECT o.id,
           (SELECT COUNT(*) FROM persons p WHERE p.org_id = o.id),
           (SELECT COUNT(*) FROM households h WHERE h.org_id = o.id)
    FROM orgs o;
CREATE TRIGGER orgs_tally_insert AFTER INSERT ON orgs BEGIN
    INSERT INTO org_tallies (org_id) VALUES (new.id);
END;
CREATE TRIGGER orgs_tally_delete AFTER DELETE ON orgs BEGIN
    DELETE FROM org_tallies WHERE org_id = old.id;
END;
CREATE TRIGGER persons_tally_insert AFTER INSERT ON persons BEGIN
    UPDATE org_tallies SET persons = persons + 1 WHERE org_id = new.org_id;
END;
CREATE TRIGGER persons_tally_delete AFTER DELETE ON persons BEGIN
    UPDATE org_tallies SET persons = persons - 1 WHERE org_id = old.org_id;
END;
CREATE TRIGGER persons_tally_update AFTER UPDATE OF org_id ON persons WHEN old.org_id <> new.org_id BEGIN
    UPDATE org_tallies SET persons = persons - 1 WHERE org_id = old.org_id;
    UPDATE org_tallies SET persons = persons + 1 WHERE org_id = new.org_id;
END;
CREATE TRIGGER households_tally_insert AFTER INSERT ON households BEGIN
    UPDATE org_tallies SET households = households + 1 WHERE org_id = new.org_id;
END;
CREATE TRIGGER households_tally_delete AFTER DELETE ON households BEGIN
    UPDATE org_tallies SET households = households - 1 WHERE org_id = old.org_id;
END;
CREATE TRIGGER households_tally_update AFTER UPDATE OF org_id ON households WHEN old.org_id <> new.org_id BEGIN
    UPDATE org_tallies SET households = households - 1 WHERE org_id = old.org_id;
    UPDATE org_tallies SET households = households + 1 WHERE org_id = new.org_id;
END;

-- The rows whose terms the store has still to fill (after an upgrade).
CREATE INDEX persons_without_terms ON persons(id) WHERE search_terms IS NULL;

-- Households of an org in the order the lists read them (address key,
-- address, id), so that a page of a subtree is read without a sort.
DROP INDEX households_address_key;
CREATE INDEX households_order ON households(org_id, address_key, address, id);

-- People of an org in the list's order (pinyin, id), read without a sort.
DROP INDEX persons_org;
CREATE INDEX persons_org ON persons(org_id, name_pinyin, id);
