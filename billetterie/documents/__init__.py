"""Documents: PDF renderers (tickets in every layout, cards, paper lists) and the shop
settings that choose among them.

The renderers (`tickets`, `layouts/`, `attendees`, `pdf`, `qr`) are pure: plain data in,
bytes out; they never import a model. `models`, `services` and `queries` hold a shop's
ticket layout and template (PRN-1, PRN-2); `paper_list` reads the attendees of a date for
`attendees` (SCAN-8).
"""
