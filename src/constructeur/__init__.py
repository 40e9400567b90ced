"""Reference package of the « Guide du constructeur » chapter.

One module per idea: ``blocks`` (composite modules), ``layers`` (custom layers),
``params`` (inspecting parameters), ``init`` (initializers), ``lazy`` (lazy
initialization), ``io`` (saving and loading), ``resume`` (resuming a run bit for bit),
``devices`` (choosing a device).
"""

__version__ = "0.3.0"
