"""Sharing: a link becomes the policy engine's event context (pure, ``context``) and the
grants the policies give (``service``). Default deny lives in the policy engine."""
