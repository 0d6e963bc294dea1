"""Rule packs: loading, validation, merging."""
from .loader import default_pack_dir, load_rules
from .model import Rule, RuleSet

__all__ = ["Rule", "RuleSet", "load_rules", "default_pack_dir"]
