# gst-workers: GstWorker-1.0 for Python (a PyGObject override).
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Workers written in Python.

Subclass ``GstWorker.Transform`` (or ``Src``, ``Sink``, ``Aggregator``),
implement ``do_process(self, buf)`` (``do_produce(self)``,
``do_consume(self, buf)``, ``do_aggregate(self, timeout)``) and push with
``self.push(out)``: the C base class gives the worker heartbeats, ``paused``,
``stats``, drain accounting and the controller's watchdog.

This override makes the Python side as strict as the C one: an exception
raised in a ``do_*`` method, a wrong return value or a push of something
that is not a ``Gst.Buffer`` becomes a GStreamer error that names the
element and carries the Python traceback (PyGObject alone would print the
traceback and carry on as if the item had been processed). An exception
raised in ``do_set_property`` refuses the value: the property keeps its old
one, and the refusal (the exception's type and message) is recorded for
whoever set it (``GstWorker.take_property_refusal``): gst-worker-launch
and the controller's ``set`` report it as an error naming the element and
the property.
"""

import functools
import traceback

from gi.repository import Gst
from ..importer import modules
from ..overrides import override

GstWorker = modules["GstWorker"]._introspection_module

__all__ = []

_WRAPPED = "_gst_worker_checked"


def _post_error(element, text, debug):
    """GST_ELEMENT_ERROR from Python: a STREAM FAILED error message."""
    frame = traceback.extract_stack(limit=3)[0]
    element.message_full(Gst.MessageType.ERROR, Gst.StreamError.quark(),
                         Gst.StreamError.FAILED, text, debug,
                         frame.filename, frame.name, frame.lineno or 0)


def _raised(element, method, exc):
    _post_error(element,
                "Python worker %s failed in %s: %s: %s"
                % (element.get_name(), method, type(exc).__name__, exc),
                "".join(traceback.format_exception(type(exc), exc,
                                                   exc.__traceback__)))
    return Gst.FlowReturn.ERROR


def _bad_result(element, method, result, wanted):
    _post_error(element,
                "Python worker %s: %s returned %r (a %s), not %s"
                % (element.get_name(), method, result,
                   type(result).__name__, wanted),
                "the worker's class is %s.%s"
                % (type(element).__module__, type(element).__qualname__))
    return Gst.FlowReturn.ERROR


def _flow(element, method, result):
    """None (the usual case) is OK; a Gst.FlowReturn is itself."""
    if result is None:
        return Gst.FlowReturn.OK
    if isinstance(result, Gst.FlowReturn):
        return result
    return _bad_result(element, method, result, "None or a Gst.FlowReturn")


def _produced(element, method, result):
    """A Gst.Buffer (OK), None (EOS) or a (Gst.FlowReturn, buffer) pair."""
    if result is None:
        return Gst.FlowReturn.EOS, None
    if isinstance(result, Gst.Buffer):
        return Gst.FlowReturn.OK, result
    if (isinstance(result, tuple) and len(result) == 2
            and isinstance(result[0], Gst.FlowReturn)
            and (result[1] is None or isinstance(result[1], Gst.Buffer))):
        if result[0] == Gst.FlowReturn.OK and result[1] is None:
            return _bad_result(element, method, result,
                               "a buffer with Gst.FlowReturn.OK"), None
        return result
    return _bad_result(element, method, result,
                       "a Gst.Buffer, None (end of stream) or a "
                       "(Gst.FlowReturn, Gst.Buffer) pair"), None


def _nothing(element, method, result):
    if result is not None:
        _bad_result(element, method, result, "None")


def _checked(method, check, on_error):
    """Wraps a do_* implementation: exceptions and bad results become
    element errors."""
    if getattr(method, _WRAPPED, False):
        return method

    @functools.wraps(method)
    def wrapper(self, *args):
        try:
            result = method(self, *args)
        except Exception as exc:  # noqa: BLE001: every failure is reported
            ret = _raised(self, method.__name__, exc)
            return on_error(ret)
        return check(self, method.__name__, result)

    setattr(wrapper, _WRAPPED, True)
    return wrapper


def _flow_error(ret):
    return ret


def _produce_error(ret):
    return ret, None


def _none_error(ret):
    return None


def _refusing(method):
    """Wraps do_set_property: an exception refuses the value (recorded with
    GstWorker.refuse_property for whoever set it), instead of a traceback
    the setter never hears of."""
    if getattr(method, _WRAPPED, False):
        return method

    @functools.wraps(method)
    def wrapper(self, pspec, value):
        try:
            return method(self, pspec, value)
        except Exception as exc:  # noqa: BLE001: every refusal is reported
            text = _value_text(value)
            traceback.print_exc()
            GstWorker.refuse_property(self, pspec.name, text, "%s: %s" % (
                type(exc).__name__, exc))
            return None

    setattr(wrapper, _WRAPPED, True)
    return wrapper


def _value_text(value):
    """A property value as gst-launch-1.0 writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "value_nick"):
        return value.value_nick
    return str(value)


def _check_subclass(cls, checks):
    for name, (check, on_error) in checks.items():
        method = cls.__dict__.get(name)
        if method is not None and callable(method):
            setattr(cls, name, _checked(method, check, on_error))
    method = cls.__dict__.get("do_set_property")
    if method is not None and callable(method):
        cls.do_set_property = _refusing(method)


def _check_push(element, outbuf):
    if not isinstance(outbuf, Gst.Buffer):
        raise TypeError("%s: push() takes a Gst.Buffer, not %s (%r)"
                        % (element.get_name(), type(outbuf).__name__,
                           outbuf))


class Transform(GstWorker.Transform):
    """The basic worker: ``do_process(self, buf)`` takes one input item
    (the worker's own: it may write to it) and pushes any number of
    outputs with ``self.push(out)``; optional ``do_drain(self)`` at EOS and
    ``do_flush(self)``. Return None (or a ``Gst.FlowReturn``)."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _check_subclass(cls, {
            "do_process": (_flow, _flow_error),
            "do_drain": (_flow, _flow_error),
            "do_flush": (_nothing, _none_error),
        })

    def push(self, outbuf):
        _check_push(self, outbuf)
        return GstWorker.Transform.push(self, outbuf)

    def push_to(self, pad, outbuf):
        _check_push(self, outbuf)
        return GstWorker.Transform.push_to(self, pad, outbuf)


Transform = override(Transform)
__all__.append("Transform")


class Src(GstWorker.Src):
    """A source worker: ``do_produce(self)`` returns the next item (a
    ``Gst.Buffer``), None at the end of the stream, or a
    ``(Gst.FlowReturn, buffer)`` pair."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _check_subclass(cls, {"do_produce": (_produced, _produce_error)})


Src = override(Src)
__all__.append("Src")


class Sink(GstWorker.Sink):
    """A sink worker: ``do_consume(self, buf)`` hands one item to the
    driver. Return None (or a ``Gst.FlowReturn``)."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _check_subclass(cls, {"do_consume": (_flow, _flow_error)})


Sink = override(Sink)
__all__.append("Sink")


class Aggregator(GstWorker.Aggregator):
    """A worker with several inputs, on GstAggregator:
    ``do_aggregate(self, timeout)`` takes items from the sink pads and
    finishes output with ``self.finish_buffer(out)``, or pushes on extra
    outputs with ``self.push_to(pad, out)``. Return None (or a
    ``Gst.FlowReturn``)."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # GstAggregator's own vfunc has the same name: PyGObject wants the
        # qualified name to tell them apart. Subclasses write do_aggregate.
        method = cls.__dict__.get("do_aggregate")
        if method is not None and callable(method):
            delattr(cls, "do_aggregate")
            cls.do_gst_worker_aggregator_aggregate = _checked(
                method, _flow, _flow_error)
        _check_subclass(cls, {})

    def push_to(self, pad, outbuf):
        _check_push(self, outbuf)
        return GstWorker.Aggregator.push_to(self, pad, outbuf)


Aggregator = override(Aggregator)
__all__.append("Aggregator")
