CREATE FUNCTION sync_engagement_holds() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            DELETE FROM engagement_holds WHERE engagement_id = OLD.id;
        END IF;
        IF NEW.status = 'confirmed' THEN
            -- The same per-room keys as room bookings, in the same order: writers of one room
            -- queue instead of deadlocking, and the constraint then refuses cleanly.
            PERFORM pg_advisory_xact_lock(hashtextextended(k, 0))
            FROM (
                SELECT 'room:' || NEW.room_id AS k
                UNION
                SELECT 'link:' || l.id FROM room_links l
                WHERE NEW.room_id IN (l.room_id, l.other_room_id)
            ) keys
            ORDER BY k;
            INSERT INTO engagement_holds (engagement_id, link_id, lock_key, show_id, during)
            SELECT NEW.id, NULL, 'room:' || NEW.room_id, NEW.show_id,
                   daterange(NEW.first_day, NEW.last_day, '[]')
            UNION ALL
            SELECT NEW.id, l.id, 'link:' || l.id, NEW.show_id,
                   daterange(NEW.first_day, NEW.last_day, '[]')
            FROM room_links l WHERE NEW.room_id IN (l.room_id, l.other_room_id);
        END IF;
        RETURN NULL;
    END
    $$
