-- An article's language (BCP 47, from its feed or its page; '' when
-- unknown): destinations are chosen by it and networks are told it.
ALTER TABLE articles ADD COLUMN lang TEXT NOT NULL DEFAULT '';
