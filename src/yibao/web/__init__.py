"""The Chinese web UI: 问答, 报销计算器, checkers, and the staff account page."""
