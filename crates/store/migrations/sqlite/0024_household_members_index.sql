-- The members of a page of households are read from the index alone: each
-- resident's relation and person beside the household, not from every
-- resident's row. The members query was the larger part of a households
-- list's time. (On SQLite `person_id` is the row's key; it is named so that
-- both engines keep the same index.)
DROP INDEX residents_household;
CREATE INDEX residents_household ON residents(household_id, relation, person_id);
