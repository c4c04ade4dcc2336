"""Complete, realistic agents built with retell-dsl; each module exposes a ``stack``."""
