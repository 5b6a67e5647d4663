import Distributions
import LikelyTensor
import Testing
