using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;

namespace PolicyKit.Telemetry;

/// <summary>
/// MQTTnet's own client adapter (packet formatting, TCP and TLS) with a <see cref="CoalescingChannel"/>
/// between it and the socket, so pipelined PUBLISHes share socket writes and PUBACKs share reads.
/// TCP only: the publisher never uses WebSockets.
/// </summary>
internal sealed class CoalescingClientAdapterFactory : IMqttClientAdapterFactory
{
    public IMqttChannelAdapter CreateClientAdapter(MqttClientOptions options, MqttPacketInspector packetInspector, IMqttNetLogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ChannelOptions is not MqttClientTcpOptions)
            throw new NotSupportedException("the telemetry publisher connects over TCP only");
        var channel = new CoalescingChannel(new MqttTcpChannel(options));
        var formatter = new MqttPacketFormatterAdapter(options.ProtocolVersion, new MqttBufferWriter(options.WriterBufferSize, options.WriterBufferSizeMax));
        // Fragmentation on: the header and the payload are two cheap copies into the channel's
        // buffer (not two socket writes), and no joined copy of each packet is allocated.
        return new MqttChannelAdapter(channel, formatter, logger)
        {
            AllowPacketFragmentation = true,
            PacketInspector = packetInspector,
        };
    }
}
