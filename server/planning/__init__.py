"""General planning workspace: every activity of every room, performances included."""
