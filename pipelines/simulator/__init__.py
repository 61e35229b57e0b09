"""A loopback stand-in for Cafe24's sms_list.php, and synthetic traffic to serve from it."""

from pipelines.simulator.infobank_store import write_infobank_store as write_infobank_store
from pipelines.simulator.messages import SimMessage
from pipelines.simulator.server import Cafe24Simulator
from pipelines.simulator.traffic import synthetic_cafe24_traffic

__all__ = ["Cafe24Simulator", "SimMessage", "synthetic_cafe24_traffic"]
