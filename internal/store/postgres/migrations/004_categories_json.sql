-- Categories are a JSON array in text, as in the SQLite store, so that one
-- query reads them from either.
ALTER TABLE articles
    ALTER COLUMN categories DROP DEFAULT,
    ALTER COLUMN categories TYPE TEXT USING array_to_json(categories)::text,
    ALTER COLUMN categories SET DEFAULT '[]';
