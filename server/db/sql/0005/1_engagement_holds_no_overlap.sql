-- One row per confirmed engagement for its room and one per link of that room; two shows
-- may not hold the same key on overlapping days. Engagements of one show may overlap
-- (a school run and a public run of the same production).
ALTER TABLE engagement_holds ADD CONSTRAINT engagement_holds_no_overlap
        EXCLUDE USING gist (lock_key WITH =, during WITH &&, show_id WITH <>)
        DEFERRABLE INITIALLY IMMEDIATE
