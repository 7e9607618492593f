CREATE TRIGGER change_log_no_update_or_delete BEFORE UPDATE OR DELETE ON change_log
    FOR EACH ROW EXECUTE FUNCTION change_log_is_append_only()
