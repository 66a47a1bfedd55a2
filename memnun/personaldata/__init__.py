"""Personal data: which kinds there are, how each looks masked, and who sees it how.

A floor below `feedback`, `notifications` and `mailin`: each of them says which
of its fields are which kind (`feedback/personal_fields.py`,
`notifications/personal_fields.py`, `mailin/personal_fields.py`) and asks
`policy.present` how to show a value. This package imports no other memnun
package except `accounts.roles`.
"""
