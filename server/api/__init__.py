"""HTTP interface: thin controllers over the domain services, errors as problem details."""
