"""Data protection (KVKK) records that are not about one case: the breach register
(K11), the processors (K5) and the VERBIS-style processing inventory (K12), and the
start-up checks that keep personal data off insecure channels (K10).

A floor above `feedback`: the breach register asks feedback which people a breach
touched (cases of the affected offices in its time window) and queues their notices
through the outbox (notifications). The desk and the `memnun privacy` command call it.
"""
