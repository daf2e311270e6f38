"""arnews: analyse Arabic news text (normalisation, tokens, lemmas, entities, keywords)."""
__version__ = "0.1.0"
