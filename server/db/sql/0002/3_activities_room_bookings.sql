CREATE TRIGGER activities_room_bookings
        AFTER INSERT OR UPDATE OF status, room_id, starts_at, ends_at, kind, engagement_id,
            performance_id ON activities
        FOR EACH ROW EXECUTE FUNCTION sync_room_bookings()
