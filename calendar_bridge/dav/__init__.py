"""The CalDAV protocol layer: XML in and out, WebDAV status and precondition errors."""
