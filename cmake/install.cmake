# Installation: headers, libraries, the exported CMake package and quarry.pc.
install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS quarry_shared quarry_static EXPORT quarryTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT quarryTargets NAMESPACE quarry:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/quarry)
configure_package_config_file(cmake/quarryConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/quarryConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/quarry)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/quarryConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/quarryConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/quarryConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/quarry)

# quarry.pc: the static library needs the driver client libraries that
# libquarry links (QUARRY_PRIVATE_LIBS, absolute paths), given to
# pkg-config --static as -L/-l flags. They are not Requires.private: no
# consumer compiles against a client library's headers, and the client
# libraries' own static dependencies (libpq's libpgcommon, ...) are not
# installed by Debian's -dev packages.
set(QUARRY_PC_LIBS_PRIVATE "")
foreach(lib IN LISTS QUARRY_PRIVATE_LIBS)
  if(IS_ABSOLUTE "${lib}")
    get_filename_component(dir "${lib}" DIRECTORY)
    get_filename_component(name "${lib}" NAME_WE)
    string(REGEX REPLACE "^lib" "" name "${name}")
    if(NOT dir IN_LIST CMAKE_C_IMPLICIT_LINK_DIRECTORIES)
      string(APPEND QUARRY_PC_LIBS_PRIVATE " -L${dir}")
    endif()
    string(APPEND QUARRY_PC_LIBS_PRIVATE " -l${name}")
  elseif(lib MATCHES "^-")
    string(APPEND QUARRY_PC_LIBS_PRIVATE " ${lib}")
  else()
    string(APPEND QUARRY_PC_LIBS_PRIVATE " -l${lib}")
  endif()
endforeach()
configure_file(cmake/quarry.pc.in ${CMAKE_CURRENT_BINARY_DIR}/quarry.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/quarry.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
