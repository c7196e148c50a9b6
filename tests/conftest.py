"""Test configuration: a non-interactive matplotlib backend; nothing else global."""
import matplotlib

matplotlib.use("Agg")
