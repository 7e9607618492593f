-- Erasing a person's data from the history, audited: appends the <entity>.erased entry (who,
-- when, what) under the change log's lock, then empties the named personal keys in the earlier
-- entries of that one record, the only change change_log_is_append_only() lets through.
-- Returns the audit entry's sequence number and time, and how many entries were redacted.
CREATE FUNCTION saison_erase_personal(
    p_entity text, p_entity_id bigint, p_keys text[], p_actor_id bigint, p_actor text,
    p_workspace text, p_before jsonb, p_after jsonb, p_refs jsonb, p_lock bigint
) RETURNS TABLE (audit_seq bigint, audit_at timestamptz, redacted integer)
LANGUAGE plpgsql AS $$
DECLARE
    v_seq bigint;
    v_at timestamptz;
    v_count integer;
BEGIN
    IF p_entity IS NULL OR p_entity_id IS NULL OR coalesce(cardinality(p_keys), 0) = 0 THEN
        RAISE EXCEPTION 'saison_erase_personal needs a record and the keys to erase';
    END IF;
    PERFORM pg_advisory_xact_lock(p_lock);
    INSERT INTO change_log (actor_id, actor, workspace, entity, entity_id, action, before,
            after, refs)
        VALUES (p_actor_id, p_actor, p_workspace, p_entity, p_entity_id,
            p_entity || '.erased', p_before, p_after, p_refs)
        RETURNING seq, at INTO v_seq, v_at;
    PERFORM set_config('saison.erasing', jsonb_build_object('entity', p_entity,
        'entity_id', p_entity_id, 'keys', to_jsonb(p_keys), 'audit', v_seq)::text, true);
    UPDATE change_log
        SET before = saison_redacted(before, p_keys), after = saison_redacted(after, p_keys)
        WHERE entity = p_entity AND entity_id = p_entity_id AND seq < v_seq
            AND (before IS DISTINCT FROM saison_redacted(before, p_keys)
                OR after IS DISTINCT FROM saison_redacted(after, p_keys));
    GET DIAGNOSTICS v_count = ROW_COUNT;
    PERFORM set_config('saison.erasing', '', true);
    RETURN QUERY SELECT v_seq, v_at, v_count;
END
$$
