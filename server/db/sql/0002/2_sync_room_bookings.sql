-- Keep bookings in step with activities; runs inside the writer's transaction, so a
-- conflicting write fails as a whole whatever code path made it.
CREATE FUNCTION sync_room_bookings() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        holder bigint;
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            DELETE FROM room_bookings WHERE activity_id = OLD.id;
        END IF;
        IF NEW.status = 'confirmed' AND NEW.room_id IS NOT NULL AND EXISTS (
            SELECT 1 FROM activity_kinds k WHERE k.kind = NEW.kind AND k.blocks_room
        ) THEN
            -- Activities of one engagement share the room (a service during its performance);
            -- anything else is a different holder and may not overlap.
            holder := COALESCE(
                NEW.engagement_id,
                (SELECT p.engagement_id FROM activities p WHERE p.id = NEW.performance_id),
                -NEW.id
            );
            -- Bookings of one room queue here until the earlier one commits, so the
            -- constraint then refuses cleanly (23P01) instead of two writers deadlocking
            -- on each other's uncommitted rows. Keys in order: no lock cycles.
            PERFORM pg_advisory_xact_lock(hashtextextended(k, 0))
            FROM (
                SELECT 'room:' || NEW.room_id AS k
                UNION
                SELECT 'link:' || l.id FROM room_links l
                WHERE NEW.room_id IN (l.room_id, l.other_room_id)
            ) keys
            ORDER BY k;
            INSERT INTO room_bookings (activity_id, link_id, lock_key, holder, during)
            SELECT NEW.id, NULL, 'room:' || NEW.room_id, holder,
                   tstzrange(NEW.starts_at, NEW.ends_at, '[)')
            UNION ALL
            SELECT NEW.id, l.id, 'link:' || l.id, holder, tstzrange(NEW.starts_at, NEW.ends_at, '[)')
            FROM room_links l WHERE NEW.room_id IN (l.room_id, l.other_room_id);
        END IF;
        RETURN NULL;
    END
    $$
