-- The change log is the history: nothing may change or remove a row of it, with one exception.
-- Erasing a person's data on their request (GDPR) must reach the history too: the rows about
-- that record may have its personal fields emptied, and nothing else, only inside
-- saison_erase_personal() and only in the transaction that wrote its audit entry
-- (<entity>.erased). Sequence numbers, times, actions and every other value stay, so feeds and
-- calendar sync tokens stay valid. Only a contact's personal fields (those Contact marks
-- PERSONAL, server/directory/models.py; tests/audit checks both lists agree) can be erased:
-- the setting and the function are within reach of any connection, and must not rewrite a fee.
CREATE OR REPLACE FUNCTION change_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    erasing jsonb;
    personal text[];
BEGIN
    IF TG_OP = 'UPDATE' THEN
        erasing := nullif(current_setting('saison.erasing', true), '')::jsonb;
        IF erasing IS NOT NULL
            AND erasing->>'entity' = 'contact'
            AND jsonb_typeof(erasing->'keys') = 'array'
            AND ARRAY(SELECT jsonb_array_elements_text(erasing->'keys'))
                <@ ARRAY['first_name', 'last_name', 'emails', 'phones', 'notes']
            AND OLD.entity = erasing->>'entity'
            AND OLD.entity_id = (erasing->>'entity_id')::bigint
            AND OLD.seq < (erasing->>'audit')::bigint
            AND EXISTS (
                SELECT 1 FROM change_log audit
                WHERE audit.seq = (erasing->>'audit')::bigint
                    AND audit.action = OLD.entity || '.erased'
                    AND audit.entity_id = OLD.entity_id
                    AND audit.xmin = pg_current_xact_id()::xid)
        THEN
            personal := ARRAY(SELECT jsonb_array_elements_text(erasing->'keys'));
            IF (NEW.seq, NEW.at, NEW.actor_id, NEW.actor, NEW.workspace, NEW.entity,
                    NEW.entity_id, NEW.action, NEW.refs)
                    IS NOT DISTINCT FROM (OLD.seq, OLD.at, OLD.actor_id, OLD.actor,
                    OLD.workspace, OLD.entity, OLD.entity_id, OLD.action, OLD.refs)
                AND NEW.before IS NOT DISTINCT FROM saison_redacted(OLD.before, personal)
                AND NEW.after IS NOT DISTINCT FROM saison_redacted(OLD.after, personal)
            THEN
                RETURN NEW;
            END IF;
        END IF;
    END IF;
    RAISE EXCEPTION 'the change log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
