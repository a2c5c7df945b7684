"""Closing the loop: how much the published pitches changed what was streamed afterwards.

`outcomes` joins publications with the reports that arrived after them, `estimation` turns those
outcomes into lifts with confidence intervals, `exploration` adds the random-choice arm the lift
is measured against, and `report` renders the figures as one HTML page.
"""
