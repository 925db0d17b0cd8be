"""Question answering: a Chinese question → region, intent and slots → rules/settlement → answer.

``yibao.qa.understand.understand`` parses a question; ``yibao.qa.answer.ask`` answers it.
"""
