CREATE TRIGGER engagements_holds
        AFTER INSERT OR UPDATE OF status, room_id, first_day, last_day, show_id ON engagements
        FOR EACH ROW EXECUTE FUNCTION sync_engagement_holds()
