-- An ID number that is already registered to a person the recording account
-- may not see is kept here, pending the check of an account that may: the
-- answer to whoever typed it never says whether the number exists elsewhere.
ALTER TABLE persons ADD COLUMN id_number_pending TEXT;
