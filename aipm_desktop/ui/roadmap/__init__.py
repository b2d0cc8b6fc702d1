"""The Roadmap area: a timeline of swim lanes, a Now / Next / Later board, predictability."""
