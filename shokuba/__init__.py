"""Shokuba (職場): the toolset of the 地域働き方・職場改革ネットワーク."""
