"""Reading raw inputs: workbooks and CSV exports into grids, and annex tables out of grids."""
