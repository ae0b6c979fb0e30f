-- The members of a page of households are read from the index alone: each
-- resident's relation beside the household (the person's id is the row's
-- key), not from every resident's row. The members query was the larger
-- part of a households list's time.
DROP INDEX residents_household;
CREATE INDEX residents_household ON residents(household_id, relation);
