"""resolve(spec) -> Model: every default applied and every generated object made, once."""
