"""Communication: what the public is told of a show and its performances, and the feeds that
carry it to the website, online agendas and calendar apps."""
