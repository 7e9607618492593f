-- A change-log payload with a person's own fields emptied (JSON null): what erasing them leaves
-- of a change. Other keys, and keys already empty, stay as they are.
CREATE FUNCTION saison_redacted(payload jsonb, personal text[]) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN payload IS NULL OR jsonb_typeof(payload) <> 'object' THEN payload
        ELSE payload || coalesce(
            (SELECT jsonb_object_agg(k, 'null'::jsonb) FROM unnest(personal) AS k
             WHERE payload ? k),
            '{}'::jsonb)
    END
$$
