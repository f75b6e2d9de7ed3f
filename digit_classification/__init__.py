__version__ = "0.1.0"

from .mnistify import mnistify, EmptyDrawingError
from .classify import classify, load_classifier, Prediction
from .number import read_number, Reading
