-- The one way text is compared: lower case without accents. Immutable (unaccent alone is
-- only stable, as its dictionary could change), so indexes may use it; {unaccent} is the
-- schema of the unaccent extension, written in so it works whatever the search path.
CREATE FUNCTION saison_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT lower({unaccent}.unaccent('{unaccent}.unaccent'::regdictionary, value)) $$
